//! The pipeline's processes under chaos, as a supervisor sees them:
//! instances grouped by role (`ingest`, `aggregator`, `api`), started,
//! SIGKILLed, stopped with SIGTERM and added on order, and watched for exits
//! nobody ordered. Such an exit is a crash: it is recorded (a chaos run
//! fails on any) and the instance is restarted, as a real supervisor would,
//! so a crash loop shows as a growing list rather than a hang.

use std::collections::BTreeMap;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::Process;
use crate::rng::Rng;

/// How long an instance runs before it may be stopped gracefully.
const SETTLED: Duration = Duration::from_secs(5);

/// One kind of process of the pipeline.
#[derive(Debug, Clone)]
pub struct Role {
    /// Short name, the prefix of its instances' names and log files.
    pub name: &'static str,
    /// The binary (`cmp-ingest`...).
    pub bin: &'static str,
    pub args: Vec<String>,
    pub vars: Vec<(String, String)>,
}

#[derive(Debug)]
struct Instance {
    role: &'static str,
    process: Process,
    started: Instant,
}

/// The running instances of every role.
#[derive(Debug)]
pub struct Fleet {
    test: String,
    roles: Vec<Role>,
    live: Vec<Instance>,
    /// Instances started so far (numbers their names).
    started: u32,
    /// SIGKILLs sent, by role.
    pub kills: BTreeMap<&'static str, u32>,
    /// Graceful stops (SIGTERM) that ended with success, by role.
    pub stops: BTreeMap<&'static str, u32>,
    /// Exits nobody ordered: "name: status".
    pub crashes: Vec<String>,
}

impl Fleet {
    /// A fleet of `roles`, nothing running yet.
    pub fn new(test: &str, roles: Vec<Role>) -> Self {
        Self {
            test: test.to_owned(),
            roles,
            live: Vec::new(),
            started: 0,
            kills: BTreeMap::new(),
            stops: BTreeMap::new(),
            crashes: Vec::new(),
        }
    }

    fn role(&self, name: &str) -> &Role {
        self.roles
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no role {name} in the fleet"))
    }

    /// Starts one more instance of `role`; returns its name.
    pub fn start(&mut self, role: &str) -> String {
        let r = self.role(role).clone();
        self.started += 1;
        let name = format!("{}-{}", r.name, self.started);
        let args: Vec<&str> = r.args.iter().map(String::as_str).collect();
        let process = Process::spawn(&self.test, &name, r.bin, &args, &r.vars);
        self.live.push(Instance {
            role: r.name,
            process,
            started: Instant::now(),
        });
        name
    }

    /// Takes a random instance of `role` running for at least `min_age` out
    /// of the fleet.
    fn take(&mut self, role: &str, min_age: Duration, rng: &mut Rng) -> Option<Instance> {
        let of_role: Vec<usize> = (0..self.live.len())
            .filter(|&i| self.live[i].role == role && self.live[i].started.elapsed() >= min_age)
            .collect();
        if of_role.is_empty() {
            return None;
        }
        let pick = of_role[rng.below(of_role.len() as u64) as usize];
        Some(self.live.swap_remove(pick))
    }

    /// SIGKILLs a random running instance of `role`, however young; returns
    /// its name.
    pub fn kill(&mut self, role: &str, rng: &mut Rng) -> Option<String> {
        let mut victim = self.take(role, Duration::ZERO, rng)?;
        victim.process.kill();
        *self.kills.entry(victim.role).or_default() += 1;
        Some(victim.process.name.clone())
    }

    /// Stops a random instance of `role` with SIGTERM; returns its name, exit
    /// status and how long it took. Only an instance up for `SETTLED`: one
    /// started a moment ago may not have installed its signal handler yet,
    /// and then dies by the signal (any process does), which is no leave.
    pub fn stop(&mut self, role: &str, rng: &mut Rng) -> Option<(String, ExitStatus, Duration)> {
        let mut leaving = self.take(role, SETTLED, rng)?;
        let (status, took) = leaving.process.terminate(Duration::from_secs(15));
        if status.success() {
            *self.stops.entry(leaving.role).or_default() += 1;
        }
        Some((leaving.process.name.clone(), status, took))
    }

    /// Records every instance that exited by itself as a crash and starts a
    /// replacement; returns how many it found.
    pub fn watch(&mut self) -> usize {
        let mut crashed = Vec::new();
        let mut i = 0;
        while i < self.live.len() {
            match self.live[i].process.exit_status() {
                None => i += 1,
                Some(status) => {
                    let gone = self.live.swap_remove(i);
                    crashed.push((gone, status));
                }
            }
        }
        for (gone, status) in &crashed {
            self.crashes.push(format!(
                "{} exited by itself after {:?}: {status}",
                gone.process.name,
                gone.started.elapsed()
            ));
            self.start(gone.role);
        }
        crashed.len()
    }

    /// Every running instance: (role, process, time since its start).
    pub fn instances(&self) -> impl Iterator<Item = (&'static str, &Process, Duration)> {
        self.live
            .iter()
            .map(|i| (i.role, &i.process, i.started.elapsed()))
    }
}
