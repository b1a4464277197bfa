"""Entri."""
