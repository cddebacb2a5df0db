"""What cogov reads from and writes to disk, apart from the simulation: checks on the files and flags
a person hands it (`storage.inputs`), the typed fields of its TOML files (`storage.toml_fields`) and
atomic, staged outputs with their provenance (`storage.outputs`). It sits above the model's
declarations (errors, parameters, metrics), which it reads; nothing of `model/` imports it."""
