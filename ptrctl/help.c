/* --help texts: the overview and one page per command, each with examples. */
#include <string.h>

#include "ptrctl.h"

static const char OVERVIEW[] =
    "usage: ptrctl [--config FILE] [--db PATH] [--region R] [--project P] [--owner O]\n"
    "              [--addresses MODE] [-o table|json|csv] [--json] [--create-db] COMMAND ...\n"
    "\n"
    "Reverse-DNS (PTR) records for public IP addresses, with the cloud console's rules:\n"
    "one record per address, 1-10 names, TTL 1-2147483647, description up to 255\n"
    "characters, up to 10 tags, 50 records per owner.\n"
    "\n"
    "commands:\n"
    "  create IP NAME [NAME...]   set the PTR record of an address\n"
    "  set IP NAME [NAME...]      create or replace it (idempotent)\n"
    "  show IP                    print a record\n"
    "  list                       list the project's records (filters, paging)\n"
    "  update IP                  change names, TTL, description or tags\n"
    "  delete IP [IP...]          delete records (up to 50, all or none): the default name\n"
    "  unset IP [IP...]           the same as delete\n"
    "  resolve IP                 the names the address answers with\n"
    "  quota                      records used and allowed for the owner; its own limit\n"
    "  import FILE|-              bulk create from CSV or JSON lines\n"
    "  export                     the records as CSV or JSON lines that import reads back\n"
    "  export-zone                write the region's reverse zones as master files\n"
    "  config show                the settings in effect and where each comes from\n"
    "  sync --config FILE         send pending changes to the name servers (live DNS)\n"
    "\n"
    "global options, anywhere on the line before '--' (else the environment variable,\n"
    "else the configuration file, else the default):\n"
    "  --config FILE   PTRCTL_CONFIG   configuration file (else $XDG_CONFIG_HOME/ptrctl/config,\n"
    "                                  ~/.config/ptrctl/config, /etc/ptrctl.conf)\n"
    "  --db PATH       PTRCTL_DB       SQLite database file      (" PTRCTL_DEFAULT_DB ")\n"
    "                                  or postgresql://USER@HOST/DB\n"
    "  --region R      PTRCTL_REGION   region                    (" PTRCTL_DEFAULT_REGION ")\n"
    "  --project P     PTRCTL_PROJECT  project                   (" PTRCTL_DEFAULT_PROJECT ")\n"
    "  --owner O       PTRCTL_OWNER    account charged (quota)   (" PTRCTL_DEFAULT_OWNER ")\n"
    "  --addresses MODE  PTRCTL_ADDRESSES  addresses that may get a record (no-special):\n"
    "                  any; no-special (not loopback, unspecified, multicast, broadcast,\n"
    "                  reserved, link-local); no-private (nor RFC 1918, CGN, unique-local);\n"
    "                  public-only (public unicast only: no documentation ranges either)\n"
    "  -o, --output F  PTRCTL_OUTPUT   table, json or csv                      (table)\n"
    "  --json          PTRCTL_JSON=1   the same as -o json (failures too: {\"error\": {...}})\n"
    "  --create-db                     any command may create a missing database file (else\n"
    "                                  only create, set and import do)\n"
    "\n"
    "exit status: 0 success, 1 a rule refused the request, 2 usage error,\n"
    "3 storage or system failure. 'ptrctl COMMAND --help' for each command.\n";

typedef struct page {
    const char *name;
    const char *text;
} page;

static const page PAGES[] = {
    {"create",
     "usage: ptrctl create IP NAME [NAME...] [--ttl TTL] [--description TEXT]\n"
     "                     [--tag KEY=VALUE]...\n"
     "\n"
     "Set the PTR record of a single address (IPv4, optionally written /32). Names are\n"
     "stored lower-case with a trailing dot. TTL in seconds or with units (300, 5m, 1h).\n"
     "\n"
     "examples:\n"
     "  ptrctl create 203.0.113.10 mail.example.com\n"
     "  ptrctl create 203.0.113.11 mx1.example.com mx2.example.com --ttl 1h \\\n"
     "         --description 'outbound mail' --tag env=prod --tag team=mail\n"},
    {"show", "usage: ptrctl show IP\n"
             "\n"
             "Print the record of an address in the project (--json: the API's object),\n"
             "with its DNS status: PENDING_* until a push confirms a change (ACTIVE).\n"
             "\n"
             "examples:\n"
             "  ptrctl show 203.0.113.10\n"
             "  ptrctl --json show 203.0.113.10\n"},
    {"list", "usage: ptrctl list [--limit N] [--marker IP] [--all] [--tag KEY[=VALUE]]...\n"
             "                   [--name NAME]\n"
             "\n"
             "One page (default and at most 500) of the project's records in address order:\n"
             "address, DNS status, TTL, owner, names and tags (-o json: the API's objects;\n"
             "-o csv: the columns import reads). --marker continues after that address (the\n"
             "last one of the previous page); --all pages through every record; --tag KEY\n"
             "matches any value; --name matches one of the record's names.\n"
             "\n"
             "examples:\n"
             "  ptrctl list\n"
             "  ptrctl list --limit 20 --marker 203.0.113.40\n"
             "  ptrctl list --all -o csv > records.csv\n"
             "  ptrctl list --json --tag env=prod --name mail.example.com\n"},
    {"update", "usage: ptrctl update IP [--names NAME[,NAME...]] [--ttl TTL] [--description TEXT]\n"
               "                        [--tag KEY=VALUE]... [--clear-tags]\n"
               "\n"
               "Change what the options give; the address never changes. --tag adds a tag or\n"
               "replaces the value of an existing key; --clear-tags removes every tag first.\n"
               "\n"
               "examples:\n"
               "  ptrctl update 203.0.113.10 --names mail.example.com,smtp.example.com\n"
               "  ptrctl update 203.0.113.10 --ttl 600 --description ''\n"
               "  ptrctl update 203.0.113.10 --clear-tags --tag env=staging\n"},
    {"delete", "usage: ptrctl delete IP [IP...]    (or: ptrctl unset IP [IP...])\n"
               "\n"
               "Delete the records: each address answers with its default name again, and the\n"
               "owner gets the quota back. Up to 50 addresses in one transaction: when one has\n"
               "no record (or is given twice), none is deleted and that one is named.\n"
               "\n"
               "examples:\n"
               "  ptrctl delete 203.0.113.10\n"
               "  ptrctl delete 203.0.113.10 203.0.113.11 203.0.113.12\n"},
    {"unset", "usage: ptrctl unset IP [IP...]\n"
              "\n"
              "The same as delete (the name the OpenStack and AWS CLIs use).\n"
              "\n"
              "example:\n"
              "  ptrctl unset 203.0.113.10\n"},
    {"set", "usage: ptrctl set IP NAME [NAME...] [--ttl TTL] [--description TEXT]\n"
            "                  [--tag KEY=VALUE]...\n"
            "\n"
            "Create the record, or replace the one the address has in the project: it then\n"
            "has exactly the given names, TTL, description and tags (those not given are the\n"
            "defaults, as for a new record). Running it again changes nothing but the\n"
            "revision, so scripts may repeat it.\n"
            "\n"
            "examples:\n"
            "  ptrctl set 203.0.113.10 mail.example.com\n"
            "  ptrctl set 203.0.113.10 mail.example.com --ttl 1h --tag env=prod\n"},
    {"resolve", "usage: ptrctl resolve IP\n"
                "\n"
                "The names the address answers with in the region: its record's, or the default\n"
                "name (ecs-203-0-113-10.compute.example.com) when it has none.\n"
                "\n"
                "example:\n"
                "  ptrctl resolve 203.0.113.10\n"},
    {"quota", "usage: ptrctl [--owner O] quota [--set N | --clear | --list]\n"
              "\n"
              "Records the owner has (in the whole database) and the most it may have.\n"
              "--set N gives the owner a limit of its own (kept in the database, so every\n"
              "process sharing it enforces it); --clear removes it (the policy's applies);\n"
              "--list shows every owner with a limit of its own.\n"
              "\n"
              "examples:\n"
              "  ptrctl --owner acct-42 quota\n"
              "  ptrctl --owner acct-42 quota --set 10000\n"
              "  ptrctl quota --list\n"},
    {"import",
     "usage: ptrctl import FILE|- [--all-or-nothing] [--batch N] [--max-errors N] [--quiet]\n"
     "                            [--no-progress]\n"
     "\n"
     "Create records from CSV (a header naming ip,names,ttl,description,tags,region,\n"
     "project,owner; names separated by ';' or '|'; tags as k=v;k=v) or JSON lines (one\n"
     "object a line: ip, ptrdnames, ttl, description, tags as [{\"key\",\"value\"}],\n"
     "region, project, owner; show --json's objects as they are). A line without its\n"
     "own region, project or owner gets the global one. Each refused line is reported\n"
     "with its number, field and reason and creates nothing; the others are created\n"
     "in batches of N (500) lines of one scope, one transaction each. A summary ends\n"
     "the output. --all-or-nothing streams the file through one transaction and\n"
     "creates nothing unless every line is accepted. --max-errors N stops after N\n"
     "refused lines; --quiet prints only the summary. A line is at most 262144\n"
     "bytes: a longer one stops the import there.\n"
     "\n"
     "examples:\n"
     "  ptrctl import records.csv\n"
     "  ptrctl import --all-or-nothing records.jsonl\n"
     "  generate-records | ptrctl --json import --quiet --max-errors 100 -\n"},
    {"export", "usage: ptrctl export [--format csv|jsonl] [--out FILE]\n"
               "\n"
               "Write every record of the region and project (all owners) as CSV (the default)\n"
               "or JSON lines, to FILE (created 0600, never through a symlink) or standard\n"
               "output; import reads either back into the same records.\n"
               "\n"
               "examples:\n"
               "  ptrctl export --out records.csv\n"
               "  ptrctl --region eu-de export --format jsonl | ssh other ptrctl import -\n"},
    {"config", "usage: ptrctl config show\n"
               "\n"
               "Print every setting in effect, its value and where it comes from: an option,\n"
               "an environment variable, the configuration file and line, or the default.\n"
               "The file holds 'key = value' lines and '#' comments; keys: db, region,\n"
               "project, owner, addresses, output, policy (huawei | otc), quota, max_names,\n"
               "ipv6 and forward_confirm (true | false), forward_timeout (seconds),\n"
               "default_name, zone_ns (comma-separated), zone_contact, zone_ipv6_prefix.\n"
               "An unknown key or a bad value is an error naming the line.\n"
               "\n"
               "examples:\n"
               "  ptrctl config show\n"
               "  ptrctl --config ./ptrctl.conf --json config show\n"},
    {"sync", "usage: ptrctl sync --config FILE [--once]\n"
             "\n"
             "Send the region's pending changes (records created, updated or deleted since\n"
             "the servers last confirmed them) to the name servers as DNS UPDATE messages\n"
             "(RFC 2136) signed with TSIG (RFC 8945); a server's answer becomes each record's\n"
             "status: ACTIVE, or ERROR with the reason. After the word sync, --config names\n"
             "the push configuration, not ptrctl's own (put that one before sync): lines of\n"
             "PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET, the longest matching prefix wins;\n"
             "a file others than its owner may read or write is refused (exit 2); see\n"
             "docs/push.md. --once sends every pending change once, prints the counts, one\n"
             "line per ERROR and per server that did not answer, and exits 0 when all are\n"
             "ACTIVE, 1 when some are ERROR, 3 when a server could not be reached (the\n"
             "changes stay pending). Without --once, it syncs about every second, prints a\n"
             "summary for each sync that sent something or found a server silent, and stops\n"
             "on SIGTERM or SIGINT (exit 0).\n"
             "\n"
             "examples:\n"
             "  ptrctl sync --config /etc/ptrctl/push.conf --once\n"
             "  ptrctl --region eu-de --json sync --config push.conf --once\n"
             "  ptrctl --config ./ptrctl.conf sync --config ./push.conf\n"},
    {"export-zone",
     "usage: ptrctl export-zone [--out DIR] [--ns NAME]... [--contact EMAIL-NAME]\n"
     "                          [--classless CIDR]...\n"
     "\n"
     "Write the region's records as RFC 1035 master files, one <zone>.zone per reverse\n"
     "zone (/24 for IPv4), into DIR (default .). --ns names the zone's name servers;\n"
     "--contact is the SOA mailbox, as hostmaster@example.com or hostmaster.example.com.\n"
     "The SOA serial is max(largest serial of DIR's *.arpa.zone files + 1, YYYYMMDD00);\n"
     "such a file whose serial cannot be read, or a zone's name that is a symlink,\n"
     "FIFO or device, stops the export (see docs/security.md).\n"
     "--classless CIDR (repeatable; IPv4 /25 to /31, no two overlapping) delegates the\n"
     "block as RFC 2317 does: its zone 0/26.113.0.203.in-addr.arpa (file\n"
     "0_26.113.0.203.in-addr.arpa.zone) holds its PTRs, and its /24 zone the delegation\n"
     "and a CNAME per address of the block into it, instead of PTRs.\n"
     "\n"
     "examples:\n"
     "  ptrctl export-zone --out /etc/knot/zones --ns ns1.example.com \\\n"
     "         --ns ns2.example.com --contact hostmaster@example.com\n"
     "  ptrctl export-zone --out zones --ns ns1.example.com --classless 203.0.113.0/26\n"},
};

int ptrctl_help(FILE *f, const char *command)
{
    if (!command) {
        fputs(OVERVIEW, f);
        return 0;
    }
    for (size_t i = 0; i < sizeof PAGES / sizeof PAGES[0]; i++)
        if (strcmp(PAGES[i].name, command) == 0) {
            fputs(PAGES[i].text, f);
            fputs("\nglobal options and exit status: ptrctl --help\n", f);
            return 0;
        }
    return -1;
}

/* Every "--word" (and "-o") in text, once each, in order of appearance, one a line. */
static void print_options(FILE *f, const char *text)
{
    char seen[2048] = " ";
    for (const char *p = text; (p = strchr(p, '-')) != NULL;) {
        const int starts = p == text || p[-1] == ' ' || p[-1] == '[' || p[-1] == '\n' ||
                           p[-1] == '|' || p[-1] == ',';
        size_t n = 1;
        while (p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z'))
            n++;
        if (starts && n > 2 && p[1] == '-' && p[2] != '-') {
            char word[64];
            snprintf(word, sizeof word, " %.*s ", (int)(n < 60 ? n : 60), p);
            if (!strstr(seen, word) && strlen(seen) + strlen(word) < sizeof seen) {
                strcat(seen, word + 1);
                fprintf(f, "%.*s\n", (int)(n < 60 ? n : 60), p);
            }
        }
        p += n;
    }
}

int ptrctl_help_query(FILE *f, const char *what, const char *command)
{
    if (strcmp(what, "--commands") == 0) {
        for (size_t i = 0; i < sizeof PAGES / sizeof PAGES[0]; i++)
            fprintf(f, "%s\n", PAGES[i].name);
        return 0;
    }
    if (strcmp(what, "--config-keys") == 0) {
        for (int k = 0; k < PTRCTL_K_COUNT; k++)
            fprintf(f, "%s\t%s\n", PTRCTL_KEYS[k].name, PTRCTL_KEYS[k].help);
        return 0;
    }
    if (strcmp(what, "--options") == 0) {
        if (!command) {
            print_options(f, OVERVIEW);
            fputs("-o\n", f);
            return 0;
        }
        for (size_t i = 0; i < sizeof PAGES / sizeof PAGES[0]; i++)
            if (strcmp(PAGES[i].name, command) == 0) {
                print_options(f, PAGES[i].text);
                return 0;
            }
    }
    return -1;
}
