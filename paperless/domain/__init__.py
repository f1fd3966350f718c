"""Pure domain rules: no Flask, no database. Every function here has unit tests."""
