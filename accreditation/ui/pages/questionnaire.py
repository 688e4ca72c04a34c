from accreditation.ui import common, questionnaire

with common.friendly_errors():
    questionnaire.questionnaire_page()
