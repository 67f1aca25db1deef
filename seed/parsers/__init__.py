"""Pure parsers that turn one source document's text into records.

Each text extractor looks only at lines no earlier extractor claimed; ``seed.parse`` runs them in
order and reports whatever is left over as skipped segments.
"""
