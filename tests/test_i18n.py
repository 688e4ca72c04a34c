from accreditation.i18n import LOCALES, catalog, normalise_language, catalog_text


def test_every_text_exists_in_both_languages():
    vi, en = catalog("vi"), catalog("en")
    assert set(vi) == set(en), {"only vi": set(vi) - set(en), "only en": set(en) - set(vi)}
    assert all(v.strip() for v in [*vi.values(), *en.values()])


def test_catalogs_come_in_pairs():
    names = {p.name.rsplit(".", 2)[0] for p in LOCALES.glob("*.toml")}
    for name in names:
        assert (LOCALES / f"{name}.vi.toml").exists() and (LOCALES / f"{name}.en.toml").exists(), name


def test_vietnamese_is_the_default():
    assert catalog_text("cli.file_missing", path="x") == "không tìm thấy tệp x"
    assert normalise_language(None) == "vi" and normalise_language("en-GB") == "en" and normalise_language("fr") == "vi"
