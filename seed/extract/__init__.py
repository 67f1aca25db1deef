"""Extractors: records from the blocks of a parsed document."""
