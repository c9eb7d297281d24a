"""Local stand-ins for Zalo and the Facebook Graph API, answering as docs/integrations.md describes.

Each is a small threaded HTTP server on 127.0.0.1 with a `state` object the test (or a developer)
drives: which tokens are valid, which faults come next, what the usage headers say.
"""
