from accreditation.ui import common, scheme

with common.friendly_errors():
    scheme.scheme_page()
