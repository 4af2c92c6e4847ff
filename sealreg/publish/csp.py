"""The Content-Security-Policy of every HTML page of a release: the site's pages and the gates' report."""

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'"
)
