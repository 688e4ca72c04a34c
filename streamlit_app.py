"""The app's entry point: `streamlit run streamlit_app.py`. The router lives in accreditation/ui/app.py."""

from accreditation.ui.app import run

run()
