"""Textual screens of the reader."""
