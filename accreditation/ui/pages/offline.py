from accreditation.ui import common, offline

with common.friendly_errors():
    offline.offline_page()
