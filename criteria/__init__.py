"""The data files of the award (criteria, law, risk tables, column specs, provinces) and the code that loads and
validates them. Import what you need from its module: `criteria.datafiles.default_criteria`,
`criteria.loader.load_criteria`, `criteria.errors.CriteriaLoadError`, `criteria.schema.Criteria`."""
