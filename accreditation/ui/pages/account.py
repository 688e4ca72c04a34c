from accreditation.ui import account, common

with common.friendly_errors():
    account.account_page()
