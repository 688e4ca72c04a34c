from accreditation.ui import actions, common

with common.friendly_errors():
    actions.actions_page()
