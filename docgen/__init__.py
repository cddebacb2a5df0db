"""Generated sections of docs/ODD.md, rebuilt from the code (documentation, not simulation: nothing
under model/ imports this package).

docs/ODD.md is hand-written prose with generated sections between marker comments::

    <!-- BEGIN GENERATED: parameters -->
    ... rebuilt from model.parameters.PARAMETERS ...
    <!-- END GENERATED: parameters -->

Sections (in the order they appear in the file):

- ``patterns``: which test in tests/test_patterns.py checks each pattern P1–P7 (from test names
  ``test_p3_...`` or a docstring that names the pattern);
- ``schedule``: the phases of ``CoGovernanceModel.step()`` in order, when each runs, where its
  mechanism hook runs and which levers it reads (read from the source of model/model.py);
- ``mechanisms``: every registered mechanism (key, names, summary, sources, phases, parameters,
  the levers and model state it touches), which levers several mechanisms share, and which
  MODEL.md §7 mechanisms are not implemented yet;
- ``parameters``: every declared parameter, grouped (name, default, range, prior, unit, labels,
  description, source or assumption), with counts of sourced / calibrated / assumed parameters;
- ``metrics``: every weekly reporter.

Modules, one reason to change each: `markdown` (how Markdown is written), `code_reading` (what code
reads and changes on the model, from its source), `schedule` (the week's phases, from the source),
`sections` (what each section says), `odd` (splicing the sections into the file), `cli`; and
`listing`: what `run.py list` and `run.py describe` print from the same declarations.

Regenerate in place (only text between markers changes; the file is replaced atomically)::

    python -m docgen            # or: python run.py docs
    python -m docgen --check    # exit 1 and name the stale sections, write nothing

tests/test_docs.py fails when a generated section is stale.
"""
