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
  --manifest PATH           write `topic<TAB>key<TAB>expect` per acknowledged message; with
                            an effect below or --variants, a first line
                            `#effects<TAB>JSON` records them (the truth)

Contract v1.1 fields (variant, office_id, fsa):
  --contract v1|v1.1        v1 leaves the v1.1 fields out [default v1.1]
  --variants CAMPAIGN=ARM[:WEIGHT],ARM[:WEIGHT]...
                            repeatable; the campaign's engagement carries a variant, one
                            arm per person [default: the first campaign,
                            control and plain-language-b, 1:1]; `none` for no test

Known effects, recorded in the manifest (none by default):
  --lift PCT                uptake in treated units is PCT % higher during the test period
  --lift-unit region|fsa|office   what --lift-treated names [default region]
  --lift-treated CODE,...   the treated units (ON,QC or K1A,K2P or ON-0001,...)
  --lift-period FROM..TO    the test period, UTC days inclusive: 2026-10-01..2026-10-31
  --conversion F            share of exposures with a client_id followed by a completed
                            application of that client, 0..1
  --variant-lift ARM=PCT    that arm's exposures complete PCT % more often (needs --conversion)
  --delays CHANNEL=DURATION,...   mean exposure -> completion delay per channel, exponential
                            [default web 6h, social 12h, search 6h, display 1d, video 1d,
                            tv 3d, radio 3d, print 5d, signage 2d, email 1d, outreach 7d];
                            completions after --now are not produced
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

pub(super) fn error(flag: &str, message: impl Into<String>) -> CliError {
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
    "--contract",
    "--variants",
    "--lift",
    "--lift-unit",
    "--lift-treated",
    "--lift-period",
    "--conversion",
    "--variant-lift",
    "--delays",
];

/// Flags that may be given more than once.
const REPEATABLE: &[&str] = &["--campaign", "--variants"];

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
                if !REPEATABLE.contains(&flag) && values.iter().any(|(f, _)| *f == flag) {
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

    let all = |flag: &str| -> Vec<&str> {
        values
            .iter()
            .filter(|(f, _)| *f == flag)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let v11 = super::v11_flags::read(&get, &all)?;
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
        spread: get("--spread").map_or(Ok(defaults.spread), |v| duration("--spread", v))?,
        clients_per_campaign: get("--clients").map_or(Ok(defaults.clients_per_campaign), |v| {
            number("--clients", v)
        })?,
        v11_fields: v11.fields,
        variants: v11.variants,
        effects: v11.effects,
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
            "variants" => "--variants",
            "lift" => "--lift",
            "lift_treated" => "--lift-treated",
            "lift_period" => "--lift-period",
            "conversion" => "--conversion",
            "variant_lift" => "--variant-lift",
            "delays" => "--delays",
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

/// `90s`, `30m`, `6h`, `2d` (a bare number is seconds), for `flag`.
pub(super) fn duration(flag: &str, value: &str) -> Result<Duration, CliError> {
    let bad = || {
        error(
            flag,
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

    #[test]
    fn v11_and_effect_flags() {
        let o = run(&[
            "--campaign",
            "a",
            "--campaign",
            "b",
            "--variants",
            "b=x:52,y:48",
            "--lift",
            "12.5",
            "--lift-unit",
            "fsa",
            "--lift-treated",
            "k1a, K2P",
            "--lift-period",
            "2026-10-01..2026-10-31",
            "--conversion",
            "0.05",
            "--variant-lift",
            "y=20",
            "--delays",
            "tv=2d,web=30m",
        ])
        .expect("parses");
        let g = &o.generator;
        assert!(g.v11_fields);
        assert_eq!(
            g.variant_tests(),
            [cmp_loadgen::VariantTest {
                campaign: "b".into(),
                arms: vec![("x".into(), 52), ("y".into(), 48)],
            }]
        );
        let lift = g.effects.lift.as_ref().expect("lift");
        assert_eq!((lift.lift, lift.unit), (0.125, cmp_loadgen::Unit::Fsa));
        assert_eq!(lift.treated, ["K1A", "K2P"]);
        assert_eq!(
            (lift.from.to_string(), lift.to.to_string()),
            ("2026-10-01".into(), "2026-10-31".into())
        );
        let c = g.effects.conversion.as_ref().expect("conversion");
        assert_eq!(c.rate, 0.05);
        assert_eq!(c.variant_lift, Some(("y".into(), 0.2)));
        assert_eq!(c.delays[&cmp_model::Channel::Tv], Duration::days(2));
        assert_eq!(c.delays[&cmp_model::Channel::Web], Duration::minutes(30));
        assert_eq!(c.delays[&cmp_model::Channel::Radio], Duration::days(3));
        // Defaults: the first campaign's test, no effect; `none` and v1.
        let o = run(&["--campaign", "a"]).expect("parses");
        assert_eq!(o.generator.variant_tests()[0].campaign, "a");
        assert!(!o.generator.effects.any());
        let o = run(&["--variants", "none", "--contract", "v1"]).expect("parses");
        assert!(o.generator.variant_tests().is_empty() && !o.generator.v11_fields);
        for (args, flag) in [
            (&["--contract", "v2"][..], "--contract"),
            (&["--variants", "oas-online-2026"], "--variants"),
            (&["--variants", "nope=a,b"], "--variants"),
            (&["--variants", "oas-online-2026=A,b"], "--variants"),
            (&["--lift", "10"], "--lift-treated"),
            (&["--lift", "10", "--lift-treated", "ON"], "--lift-period"),
            (&["--lift-treated", "ON"], "--lift-treated"),
            (
                &[
                    "--lift",
                    "-5",
                    "--lift-treated",
                    "ON",
                    "--lift-period",
                    "2026-10-01..2026-10-02",
                ],
                "--lift",
            ),
            (
                &[
                    "--lift",
                    "5",
                    "--lift-treated",
                    "ZZ",
                    "--lift-period",
                    "2026-10-01..2026-10-02",
                ],
                "--lift-treated",
            ),
            (
                &[
                    "--lift",
                    "5",
                    "--lift-unit",
                    "fsa",
                    "--lift-treated",
                    "K1A 0B1",
                    "--lift-period",
                    "2026-10-01..2026-10-02",
                ],
                "--lift-treated",
            ),
            (
                &[
                    "--lift",
                    "5",
                    "--lift-treated",
                    "ON",
                    "--lift-period",
                    "2026-10-02..2026-10-01",
                ],
                "--lift-period",
            ),
            (
                &[
                    "--lift",
                    "5",
                    "--lift-unit",
                    "city",
                    "--lift-treated",
                    "ON",
                    "--lift-period",
                    "2026-10-01..2026-10-02",
                ],
                "--lift-unit",
            ),
            (&["--conversion", "2"], "--conversion"),
            (&["--variant-lift", "x=5"], "--variant-lift"),
            (
                &["--conversion", "0.1", "--variant-lift", "nope=5"],
                "--variant-lift",
            ),
            (&["--conversion", "0.1", "--delays", "fax=1h"], "--delays"),
        ] {
            assert_eq!(flag_of(args), flag, "{args:?}");
        }
    }
}
