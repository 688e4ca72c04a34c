from accreditation.ui import common, notifications

with common.friendly_errors():
    notifications.notifications_page()
