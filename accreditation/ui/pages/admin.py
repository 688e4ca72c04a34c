from accreditation.ui import admin, common

with common.friendly_errors():
    admin.admin_page()
