"""QR codes as PNG (posters, two-factor set-up)."""

from __future__ import annotations

import io


def qr_png(data: str, *, box_size: int = 12) -> bytes:
    import qrcode
    from qrcode.image.pil import PilImage

    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4, image_factory=PilImage
    )
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
