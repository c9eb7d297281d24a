"""The files a directive keeps: its attachments and the returned forms uploaded for its tasks.

Both are stored under generated names (the uploader's name stays in the row's `name`, shown in the
pages and given back as the download's name) and sent by loa.core.files with the type Loa found in
their bytes on upload. The views calling these have fetched and authorised the row already.
"""

from loa.core.files import UNKNOWN, serve_file
from loa.core.uploads import CONTENT_TYPES


def attachment_response(request, attachment):
    return serve_file(request, attachment.file, filename=attachment.name, content_type=attachment.content_type)


def returned_form_response(request, record):
    return serve_file(request, record.file, filename=record.name, content_type=CONTENT_TYPES.get(record.kind, UNKNOWN))
