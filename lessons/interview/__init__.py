"""Interview prep: the live experiments behind the classic questions, one module per topic (setup, basics,
architectures, objectives, training, geometry) and the question table with its scoring (questions)."""
