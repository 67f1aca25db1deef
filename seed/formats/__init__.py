"""Format parsers: each turns one kind of decoded source into a :class:`seed.blocks.Document`."""
