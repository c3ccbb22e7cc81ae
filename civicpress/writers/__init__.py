"""Writers turn the site model into output files; each owns one kind of output."""
