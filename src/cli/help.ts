/** Shown by --help; docs/operator-guide.md ("Diagnostics and exit codes") says the same. */
export const EXIT_CODES_HELP = `
Exit codes:
  0   success: outputs written, out/ is current (--check), sites valid (validate),
      or the diff produced (diff)
  1   a site is invalid (diff: at either ref), or --check found differing, missing
      or extra files
  2   usage error or unreadable input (bad option, missing file, missing site key
      or secret in --reveal, --reveal into a git-tracked folder, an output
      folder that cannot be written, diff outside git or with an unknown ref)
  3   diff --detailed-exitcode only: some site changed (0: none did)
  70  internal error: a bug in chamicore-compile; please report it

Secrets:
  Without --reveal, every generated, fromEnv and fromFile secret is written as a fixed
  placeholder, so out/ is deterministic and safe to commit. With --reveal, generated
  secrets are derived from the site key (CHAMICORE_SITE_KEY or --site-key-file), and
  the output folder must not be tracked by git.

Examples:
  chamicore-compile sites/alps              compile one site into out/alps/
  chamicore-compile sites                   compile every site in sites/ (not sites/bases/)
  chamicore-compile init newsite --extends cscs   a new site over sites/bases/cscs.yaml
  chamicore-compile --check sites           fail if out/ is not current
  chamicore-compile validate sites          validate only
  chamicore-compile validate --format codequality sites > gl-code-quality-report.json
  chamicore-compile diff --base origin/main --format markdown > site-diff.md
  chamicore-compile explain sites/alps services.bss.database.maxOpenConns
  chamicore-compile explain sites/alps values.yaml:chamicore-smd.replicaCount
  CHAMICORE_SITE_KEY=... chamicore-compile --reveal --out /secure/deploy sites/alps
`;

/** Shown by each subcommand's --help instead of the whole footer above. */
export const SUBCOMMAND_HELP = `
Exit codes, secrets and examples: chamicore-compile --help`;
