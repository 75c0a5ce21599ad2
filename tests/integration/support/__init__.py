"""Helpers shared by the integration tests (cluster handles, Ansible runner, audit log)."""
