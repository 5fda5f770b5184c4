//! The command line: `drain N` or `freshness --rate R --seconds S [...]`.

use std::time::Duration;

use crate::visibility::Point;

pub const USAGE: &str = "\
USAGE:
  cmp-bench drain N [CONSUMERS=1 [FETCH_WAIT_MS]]
      read N messages of the engagement and uptake topics with bare
      consumers (group CMP_KAFKA_GROUP, from the earliest offset), drop
      them, print the time; FETCH_WAIT_MS sets fetch.wait.max.ms
  cmp-bench freshness --rate R --seconds S [--point POINT] [--seed N]
      produce generated contract traffic at R msg/s for S s, poll the
      visibility point every 50 ms, print p50/p99/max from send to visible.
      POINT: rollups (default), ledger, uptake (the demo campaigns'
      attributed uptake in the rollups), or api=HOST:PORT (the same uptake
      as the API's performance route reports it; the probe registers the
      demo campaigns; bearer token in CMP_BENCH_API_TOKEN)

Kafka and ClickHouse come from the CMP_* settings (CMP_KAFKA_BROKERS,
CMP_TOPIC_*, CMP_CLICKHOUSE_URL, CMP_CLICKHOUSE_DATABASE, ...).
";

/// What to run.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// The ceiling consumer.
    Drain {
        messages: u64,
        consumers: u32,
        fetch_wait_ms: Option<u32>,
    },
    /// The freshness probe.
    Freshness(FreshnessOptions),
}

/// The freshness probe's flags.
#[derive(Debug, PartialEq)]
pub struct FreshnessOptions {
    /// Messages per second.
    pub rate: f64,
    /// How long to produce.
    pub duration: Duration,
    /// Where an event counts as visible.
    pub point: Point,
    /// The generator's seed (part of every event_id).
    pub seed: u64,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("drain") => {
            let messages = number(args.next(), "drain N")?;
            let consumers = match args.next() {
                None => 1,
                some => number(some, "drain N CONSUMERS").and_then(|c: u32| {
                    (c > 0)
                        .then_some(c)
                        .ok_or("CONSUMERS must be at least 1".into())
                })?,
            };
            let fetch_wait_ms = match args.next() {
                None => None,
                some => Some(number(some, "drain N CONSUMERS FETCH_WAIT_MS")?),
            };
            match args.next() {
                None => Ok(Command::Drain {
                    messages,
                    consumers,
                    fetch_wait_ms,
                }),
                Some(extra) => Err(format!("unexpected argument {extra}")),
            }
        }
        Some("freshness") => freshness(args).map(Command::Freshness),
        Some(other) => Err(format!("unknown command {other}")),
        None => Err("a command is required".to_owned()),
    }
}

fn freshness(mut args: impl Iterator<Item = String>) -> Result<FreshnessOptions, String> {
    let (mut rate, mut seconds, mut point, mut seed) = (None, None, Point::Rollups, 1);
    while let Some(flag) = args.next() {
        let value = args.next();
        match flag.as_str() {
            "--rate" => rate = Some(number::<f64>(value, "--rate")?),
            "--seconds" => seconds = Some(number::<f64>(value, "--seconds")?),
            "--seed" => seed = number(value, "--seed")?,
            "--point" => {
                point = value
                    .as_deref()
                    .and_then(Point::parse)
                    .ok_or("--point must be rollups, ledger, uptake or api=HOST:PORT")?;
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let rate = rate
        .filter(|r| *r > 0.0)
        .ok_or("--rate R > 0 is required")?;
    let seconds = seconds
        .filter(|s| *s > 0.0)
        .ok_or("--seconds S > 0 is required")?;
    Ok(FreshnessOptions {
        rate,
        duration: Duration::from_secs_f64(seconds),
        point,
        seed,
    })
}

fn number<T: std::str::FromStr>(value: Option<String>, what: &str) -> Result<T, String> {
    value
        .as_deref()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{what} needs a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_both_commands() {
        assert_eq!(
            parse(args("drain 1000")),
            Ok(Command::Drain {
                messages: 1000,
                consumers: 1,
                fetch_wait_ms: None,
            })
        );
        assert_eq!(
            parse(args("drain 10 2 10")),
            Ok(Command::Drain {
                messages: 10,
                consumers: 2,
                fetch_wait_ms: Some(10),
            })
        );
        assert_eq!(
            parse(args("freshness --rate 500 --seconds 2.5 --point ledger")),
            Ok(Command::Freshness(FreshnessOptions {
                rate: 500.0,
                duration: Duration::from_millis(2500),
                point: Point::Ledger,
                seed: 1,
            }))
        );
        let api = parse(args(
            "freshness --rate 5 --seconds 1 --point api=127.0.0.1:8080",
        ));
        assert!(
            matches!(api, Ok(Command::Freshness(FreshnessOptions { point: Point::Api(a), .. })) if a.port() == 8080)
        );
    }

    #[test]
    fn refuses_bad_usage() {
        assert!(parse(args("drain")).is_err());
        assert!(parse(args("drain 5 0")).is_err());
        assert!(parse(args("drain 5 1 x")).is_err());
        assert!(parse(args("drain 5 6 7 8")).is_err());
        assert!(parse(args("freshness --seconds 3")).is_err());
        assert!(parse(args("freshness --rate 0 --seconds 3")).is_err());
        assert!(parse(args("freshness --rate 1 --seconds 3 --point api")).is_err());
        assert!(parse(args("freshness --rate 1 --seconds 3 --point api=x:1")).is_err());
        assert!(parse(args("fresh")).is_err());
    }
}
