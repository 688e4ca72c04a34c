from accreditation.ui import common, sharing

with common.friendly_errors():
    sharing.sharing_page()
