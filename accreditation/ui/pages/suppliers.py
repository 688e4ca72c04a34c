from accreditation.ui import common, uploads

with common.friendly_errors():
    uploads.suppliers_page()
