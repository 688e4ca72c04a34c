"""The app's entry point. For now: the criteria overview; the self-assessment pages come with the app issue."""

import streamlit as st

from criteria import CriteriaLoadError, default_criteria

st.set_page_config(page_title="Không sử dụng lao động trẻ em", page_icon="🛡️", layout="wide")

try:
    criteria = default_criteria()
except CriteriaLoadError as exc:
    st.error("Bộ tiêu chí không hợp lệ / The criteria are not valid")
    for line in exc.messages("vi"):
        st.write(line)
    st.stop()

s = criteria.settings
st.title(s.scheme_name.vi)
st.caption(f"{s.scheme_name.en} · {s.criteria_id} {s.version} · {s.effective_date:%d/%m/%Y}")
if s.notice:
    st.info(s.notice.vi)
for section in criteria.sections:
    with st.expander(section.label.vi):
        for ind in criteria.indicators_in(section.id):
            st.markdown(f"**{ind.id}** {ind.label.vi}")
