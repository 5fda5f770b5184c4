//! The command line, parsed by hand into [`Options`]. Every flag takes its
//! value as `--flag VALUE` or `--flag=VALUE`; a bad value is reported with
//! the flag's name (exit code 2). Kafka settings fall back to the same
//! `CMP_*` variables the pipeline reads, so one environment drives both.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use cmp_loadgen::{Campaign, GenConfig};
use cmp_model::Topic;
use cmp_model::timestamp::parse_rfc3339;

/// Printed by `--help`.
pub const USAGE: &str = "\
cmp-loadgen: produce generated contract traffic to Kafka

USAGE: cmp-loadgen [FLAGS]

  --brokers HOSTS           Kafka bootstrap servers
                            [env CMP_KAFKA_BROKERS, default 127.0.0.1:9092]
  --topic-engagement NAME   [env CMP_TOPIC_ENGAGEMENT, default cmp.engagement.v1]
  --topic-uptake NAME       [env CMP_TOPIC_UPTAKE, default cmp.uptake.v1]
  --seed N                  random seed; also part of every event_id [default 1]
  --count N                 messages to produce [default 10000]
  --forever                 produce until SIGTERM or Ctrl-C (not with --count)
  --no-idempotence          a plain producer: a retry may write a message twice (a
                            re-delivery); tansu 0.6's sqlite storage breaks on an
                            idempotent producer that outlives a broker restart
  --rate N                  messages per second, 0 = as fast as possible [default 0]
  --batch-records N         most records per produced batch (librdkafka batch.num.messages);
                            1 makes every offset a batch start [default 10000]
  --redeliveries F          share of re-deliveries, 0..1 [default 0.05]
  --changed-redeliveries F  share of re-deliveries with a changed payload [default 0.2]
  --invalid F               share of invalid messages, 0..1 [default 0.02]
  --late F                  share of events 1-30 days late, 0..1 [default 0.01]
  --spread DURATION         fresh events fall in [now - DURATION, now]: 90s, 30m, 6h, 2d [default 6h]
  --clients N               distinct client_ids per campaign [default 20000]
  --campaign ID[=PROGRAM]   repeatable; replaces the demo campaigns [default program oas]
  --now RFC3339             the clock events are placed around [default: current time]
  --manifest PATH           write `topic<TAB>key<TAB>expect` per acknowledged message
  -h, --help                this text

On SIGTERM or Ctrl-C: stop producing, wait for every acknowledgement, exit 0.
";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Print [`USAGE`].
    Help,
    /// Produce messages.
    Run(Box<Options>),
}

/// A validated run configuration.
#[derive(Debug)]
pub struct Options {
    /// `bootstrap.servers`.
    pub brokers: String,
    /// Kafka topic name for engagement events.
    pub engagement_topic: String,
    /// Kafka topic name for uptake events.
    pub uptake_topic: String,
    /// How many messages; `None` = until a signal (`--forever`).
    pub count: Option<u64>,
    /// Messages per second; 0 = unpaced.
    pub rate: f64,
    /// Most records per produced batch. 1 gives every record its own batch:
    /// tansu 0.6's memory storage cannot serve a fetch that starts inside a
    /// batch (it skips to the next one), which a consumer restarting from a
    /// committed offset does; the tests that restart consumers avoid it so.
    pub batch_records: u32,
    /// Whether the producer is idempotent (the default): off for runs that
    /// restart tansu 0.6, whose sqlite storage panics on the first produce
    /// of an idempotent producer it no longer knows.
    pub idempotence: bool,
    /// Where to write the manifest, if anywhere.
    pub manifest: Option<PathBuf>,
    /// What to generate.
    pub generator: GenConfig,
}

impl Options {
    /// The Kafka topic name for a contract topic.
    pub fn topic_name(&self, topic: Topic) -> &str {
        match topic {
            Topic::Engagement => &self.engagement_topic,
            Topic::Uptake => &self.uptake_topic,
        }
    }
}

/// A usage error, naming the flag at fault.
#[derive(Debug, PartialEq, Eq)]
pub struct CliError {
    /// The flag (or argument) at fault.
    pub flag: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.flag, self.message)
    }
}

impl std::error::Error for CliError {}

fn error(flag: &str, message: impl Into<String>) -> CliError {
    CliError {
        flag: flag.to_owned(),
        message: message.into(),
    }
}

/// Flags that take a value.
const VALUED: &[&str] = &[
    "--brokers",
    "--topic-engagement",
    "--topic-uptake",
    "--seed",
    "--count",
    "--rate",
    "--batch-records",
    "--redeliveries",
    "--changed-redeliveries",
    "--invalid",
    "--late",
    "--spread",
    "--clients",
    "--campaign",
    "--now",
    "--manifest",
];

/// Parses `args` (without the program name); `env` reads a variable, `now`
/// is the default for `--now`.
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
    env: impl Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> Result<Command, CliError> {
    let mut values: Vec<(&'static str, String)> = Vec::new();
    let mut forever = false;
    let mut idempotence = true;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|bad| error(&bad.to_string_lossy(), "is not valid UTF-8"))?;
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        match name {
            "-h" | "--help" => return Ok(Command::Help),
            "--forever" => {
                if inline.is_some() {
                    return Err(error(name, "takes no value"));
                }
                forever = true;
            }
            "--no-idempotence" => {
                if inline.is_some() {
                    return Err(error(name, "takes no value"));
                }
                idempotence = false;
            }
            _ => {
                let Some(&flag) = VALUED.iter().find(|f| **f == name) else {
                    let what = if name.starts_with('-') {
                        "unknown flag"
                    } else {
                        "unexpected argument (flags start with --)"
                    };
                    return Err(error(name, what));
                };
                let value = match inline {
                    Some(value) => value,
                    None => args
                        .next()
                        .ok_or_else(|| error(flag, "needs a value"))?
                        .into_string()
                        .map_err(|_| error(flag, "value is not valid UTF-8"))?,
                };
                if flag != "--campaign" && values.iter().any(|(f, _)| *f == flag) {
                    return Err(error(flag, "given more than once"));
                }
                values.push((flag, value));
            }
        }
    }
    build(&values, forever, &env, now).map(|mut o| {
        o.idempotence = idempotence;
        Command::Run(Box::new(o))
    })
}

fn build(
    values: &[(&'static str, String)],
    forever: bool,
    env: &impl Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> Result<Options, CliError> {
    let get = |flag: &str| {
        values
            .iter()
            .find(|(f, _)| *f == flag)
            .map(|(_, v)| v.as_str())
    };
    let text = |flag: &str, var: &str, default: &str| -> Result<String, CliError> {
        let value = match get(flag) {
            Some(v) => v.to_owned(),
            None => env(var)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned()),
        };
        if value.trim().is_empty() {
            return Err(error(flag, "must not be empty"));
        }
        Ok(value.trim().to_owned())
    };
    let defaults = GenConfig::default();

    let count = match (get("--count"), forever) {
        (Some(_), true) => return Err(error("--count", "cannot be combined with --forever")),
        (Some(n), false) => Some(number::<u64>("--count", n)?),
        (None, true) => None,
        (None, false) => Some(10_000),
    };
    let campaigns = values
        .iter()
        .filter(|(f, _)| *f == "--campaign")
        .map(|(_, v)| campaign(v))
        .collect::<Result<Vec<_>, _>>()?;

    let generator = GenConfig {
        seed: get("--seed").map_or(Ok(defaults.seed), |v| number("--seed", v))?,
        now: get("--now").map_or(Ok(now), |v| {
            parse_rfc3339(v).map_err(|e| error("--now", format!("{e}")))
        })?,
        campaigns: if campaigns.is_empty() {
            defaults.campaigns
        } else {
            campaigns
        },
        redelivery_share: share(
            get("--redeliveries"),
            "--redeliveries",
            defaults.redelivery_share,
        )?,
        changed_redelivery_share: share(
            get("--changed-redeliveries"),
            "--changed-redeliveries",
            defaults.changed_redelivery_share,
        )?,
        invalid_share: share(get("--invalid"), "--invalid", defaults.invalid_share)?,
        late_share: share(get("--late"), "--late", defaults.late_share)?,
        spread: get("--spread").map_or(Ok(defaults.spread), duration)?,
        clients_per_campaign: get("--clients").map_or(Ok(defaults.clients_per_campaign), |v| {
            number("--clients", v)
        })?,
    };
    generator.validate().map_err(|e| {
        let flag = match e.field {
            "campaigns" => "--campaign",
            "redelivery_share" => "--redeliveries",
            "changed_redelivery_share" => "--changed-redeliveries",
            "invalid_share" => "--invalid",
            "late_share" => "--late",
            "spread" => "--spread",
            "clients_per_campaign" => "--clients",
            other => other,
        };
        error(flag, e.reason)
    })?;

    let rate = match get("--rate") {
        None => 0.0,
        Some(v) => match v.parse::<f64>() {
            Ok(r) if r.is_finite() && r >= 0.0 => r,
            _ => {
                return Err(error(
                    "--rate",
                    "must be a number of messages per second, 0 or more",
                ));
            }
        },
    };
    let batch_records = match get("--batch-records") {
        None => 10_000,
        Some(v) => match number::<u32>("--batch-records", v)? {
            n @ 1..=1_000_000 => n,
            _ => return Err(error("--batch-records", "must be 1 to 1000000")),
        },
    };
    Ok(Options {
        brokers: text("--brokers", "CMP_KAFKA_BROKERS", "127.0.0.1:9092")?,
        engagement_topic: text(
            "--topic-engagement",
            "CMP_TOPIC_ENGAGEMENT",
            Topic::Engagement.default_name(),
        )?,
        uptake_topic: text(
            "--topic-uptake",
            "CMP_TOPIC_UPTAKE",
            Topic::Uptake.default_name(),
        )?,
        count,
        rate,
        batch_records,
        idempotence: true,
        manifest: get("--manifest").map(PathBuf::from),
        generator,
    })
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, CliError> {
    value
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| error(flag, format!("must be a whole number, not {value:?}")))
}

fn share(value: Option<&str>, flag: &str, default: f64) -> Result<f64, CliError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(error(
            flag,
            format!("must be a share between 0 and 1, not {value:?}"),
        )),
    }
}

/// `90s`, `30m`, `6h`, `2d` (a bare number is seconds).
fn duration(value: &str) -> Result<Duration, CliError> {
    let bad = || {
        error(
            "--spread",
            format!("must be like 90s, 30m, 6h or 2d, not {value:?}"),
        )
    };
    let value = value.trim();
    let (digits, unit) = match value.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&value[..i], c),
        _ => (value, 's'),
    };
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let seconds = match unit {
        's' => Some(n),
        'm' => n.checked_mul(60),
        'h' => n.checked_mul(3600),
        'd' => n.checked_mul(86_400),
        _ => None,
    };
    seconds
        .filter(|s| *s >= 0)
        .and_then(Duration::try_seconds)
        .ok_or_else(bad)
}

/// `ID` or `ID=PROGRAM`; the program defaults to `oas`.
fn campaign(value: &str) -> Result<Campaign, CliError> {
    let (id, program) = value.split_once('=').unwrap_or((value, "oas"));
    for (what, slug) in [("id", id), ("program", program)] {
        if !cmp_model::rules::is_slug(slug) {
            return Err(error(
                "--campaign",
                format!(
                    "{what} {slug:?} is not a slug (1-64 of a-z 0-9 _ -, starting with a letter or digit)"
                ),
            ));
        }
    }
    Ok(Campaign::new(id, program))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        GenConfig::default().now
    }

    fn run(args: &[&str]) -> Result<Options, CliError> {
        run_env(args, &[])
    }

    fn run_env(args: &[&str], env: &[(&str, &str)]) -> Result<Options, CliError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match parse(args.iter().map(OsString::from), lookup, now())? {
            Command::Run(options) => Ok(*options),
            Command::Help => panic!("unexpected help"),
        }
    }

    fn flag_of(args: &[&str]) -> String {
        run(args).expect_err("refused").flag
    }

    #[test]
    fn defaults() {
        let o = run(&[]).expect("parses");
        assert_eq!(o.brokers, "127.0.0.1:9092");
        assert_eq!(o.engagement_topic, "cmp.engagement.v1");
        assert_eq!(o.uptake_topic, "cmp.uptake.v1");
        assert_eq!(o.count, Some(10_000));
        assert_eq!(o.rate, 0.0);
        assert_eq!(o.manifest, None);
        assert_eq!(o.generator, GenConfig::default());
    }

    #[test]
    fn environment_then_flags() {
        let env = [
            ("CMP_KAFKA_BROKERS", "kafka:9092"),
            ("CMP_TOPIC_ENGAGEMENT", "e"),
            ("CMP_TOPIC_UPTAKE", "u"),
        ];
        let o = run_env(&[], &env).expect("parses");
        assert_eq!(
            (o.brokers.as_str(), o.topic_name(Topic::Engagement)),
            ("kafka:9092", "e")
        );
        assert_eq!(o.topic_name(Topic::Uptake), "u");
        let o = run_env(&["--brokers", "b:1", "--topic-uptake=uu"], &env).expect("parses");
        assert_eq!((o.brokers.as_str(), o.uptake_topic.as_str()), ("b:1", "uu"));
    }

    #[test]
    fn every_flag() {
        let o = run(&[
            "--seed",
            "42",
            "--count=5",
            "--rate",
            "250.5",
            "--redeliveries",
            "0.1",
            "--changed-redeliveries",
            "0.5",
            "--invalid",
            "0",
            "--late",
            "1",
            "--spread",
            "30m",
            "--clients",
            "1_000",
            "--campaign",
            "cpp-radio=cpp",
            "--campaign",
            "oas-x",
            "--now",
            "2026-01-01T00:00:00-05:00",
            "--manifest",
            "/tmp/m.tsv",
        ])
        .expect("parses");
        let g = &o.generator;
        assert_eq!((g.seed, o.count, o.rate), (42, Some(5), 250.5));
        assert_eq!((g.redelivery_share, g.changed_redelivery_share), (0.1, 0.5));
        assert_eq!((g.invalid_share, g.late_share), (0.0, 1.0));
        assert_eq!(
            (g.spread, g.clients_per_campaign),
            (Duration::minutes(30), 1000)
        );
        assert_eq!(
            g.campaigns,
            [
                Campaign::new("cpp-radio", "cpp"),
                Campaign::new("oas-x", "oas")
            ]
        );
        assert_eq!(g.now.to_rfc3339(), "2026-01-01T05:00:00+00:00");
        assert_eq!(o.manifest, Some(PathBuf::from("/tmp/m.tsv")));
        assert_eq!(run(&["--forever"]).expect("parses").count, None);
        assert_eq!(run(&[]).expect("parses").batch_records, 10_000);
        assert!(run(&[]).expect("parses").idempotence);
        assert!(!run(&["--no-idempotence"]).expect("parses").idempotence);
        assert_eq!(
            run(&["--batch-records", "1"])
                .expect("parses")
                .batch_records,
            1
        );
    }

    #[test]
    fn bad_input_names_the_flag() {
        for (args, flag) in [
            (&["--seed", "x"][..], "--seed"),
            (&["--seed", "-1"], "--seed"),
            (&["--count"], "--count"),
            (&["--count", "5", "--forever"], "--count"),
            (&["--forever=yes"], "--forever"),
            (&["--no-idempotence=1"], "--no-idempotence"),
            (&["--rate", "-3"], "--rate"),
            (&["--rate", "inf"], "--rate"),
            (&["--batch-records", "0"], "--batch-records"),
            (&["--batch-records", "many"], "--batch-records"),
            (&["--redeliveries", "1.2"], "--redeliveries"),
            (
                &["--invalid", "0.6", "--redeliveries", "0.6"],
                "--redeliveries",
            ),
            (&["--late", "lots"], "--late"),
            (&["--changed-redeliveries", "2"], "--changed-redeliveries"),
            (&["--spread", "6 weeks"], "--spread"),
            (&["--spread", "90d"], "--spread"),
            (&["--clients", "0"], "--clients"),
            (&["--campaign", "OAS"], "--campaign"),
            (&["--campaign", "a=B C"], "--campaign"),
            (&["--campaign", "a", "--campaign", "a"], "--campaign"),
            (&["--now", "yesterday"], "--now"),
            (&["--brokers", " "], "--brokers"),
            (&["--seed", "1", "--seed", "2"], "--seed"),
            (&["--bogus"], "--bogus"),
            (&["stray"], "stray"),
        ] {
            assert_eq!(flag_of(args), flag, "{args:?}");
        }
        let e = run(&["--rate", "-3"]).expect_err("refused");
        assert!(e.to_string().starts_with("--rate: "), "{e}");
    }

    #[test]
    fn help_wins() {
        let parsed = parse(
            ["--seed", "x", "--help"].map(OsString::from),
            |_| None,
            now(),
        );
        // The bad seed is only checked after all flags are read.
        assert!(matches!(parsed, Ok(Command::Help)));
    }
}
