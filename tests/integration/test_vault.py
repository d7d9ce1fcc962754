"""The vault's keys (core/vault.hpp, docs/operators.md "Secrets: the vault"): made private at the first
start, rotated by `govhub admin vault-rotate` while the site serves (a job re-seals, then retires the old
key), refused when the keys come from GOVHUB_VAULT_KEYS, and left out of backups."""
import os
import stat
import subprocess
import time

from govhub_harness import BIN, Server, engine_args


def key_lines(server):
    with open(os.path.join(server.data_dir, "secrets", "vault.keys")) as f:
        return [line for line in f if line.startswith("v")]


def test_keys_are_private_and_rotate_while_serving(tmp_path):
    server = Server("--job-poll-ms", "100")
    try:
        secrets = os.path.join(server.data_dir, "secrets")
        assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(os.path.join(secrets, "vault.keys")).st_mode) == 0o600
        assert [line.split()[0] for line in key_lines(server)] == ["v1"]
        r = server.cli("admin", "vault-rotate")
        assert "vault key v2 added" in r.stdout
        # A serving node runs the re-seal job, which retires v1 once nothing is sealed with it.
        for _ in range(100):
            done = server.query("SELECT state, result FROM jobs WHERE kind = 'vault.reseal'")
            if done and done[0][0] == "succeeded":
                break
            time.sleep(0.1)
        assert done and done[0][0] == "succeeded" and '"retired":true' in done[0][1], done
        assert [line.split()[0] for line in key_lines(server)] == ["v2"]
        # Keys from the environment are not the command's to rewrite.
        env = dict(os.environ, GOVHUB_VAULT_KEYS="".join(key_lines(server)))
        r = subprocess.run([BIN, "admin", "vault-rotate", "--data-dir", server.data_dir,
                            *engine_args(server.database_url)], capture_output=True, text=True, env=env)
        assert r.returncode == 1 and "GOVHUB_VAULT_KEYS" in r.stderr
        assert [line.split()[0] for line in key_lines(server)] == ["v2"]
        # A backup leaves the keys out, and says so.
        r = server.cli("admin", "backup", str(tmp_path / "backups"))
        assert "not included: secrets/" in r.stdout
        backup = r.stdout.strip().splitlines()[-1].split("backup: ", 1)[1]
        assert not os.path.exists(os.path.join(backup, "files", "secrets"))
    finally:
        server.stop()
