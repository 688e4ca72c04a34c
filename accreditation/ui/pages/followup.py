from accreditation.ui import actions, common

with common.friendly_errors():
    actions.followup_page()
