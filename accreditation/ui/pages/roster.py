from accreditation.ui import common, uploads

with common.friendly_errors():
    uploads.roster_page()
