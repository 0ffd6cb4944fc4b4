"""My MS diary: personal, local-first records of therapies, relapses, symptoms and tests."""
