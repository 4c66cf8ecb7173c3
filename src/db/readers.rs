//! The threads that run short reads on PostgreSQL (`AppState::read`): a fixed few, taking the
//! reads in the order they were asked for. A read queued here waits holding no connection and
//! no thread; a thread that finishes one takes the next itself, without a round through the
//! async worker that asked for it.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

pub struct ReadThreads {
    jobs: Sender<Job>,
}

impl ReadThreads {
    /// Starts `count` threads (at least one). They end when this is dropped.
    pub fn start(count: usize) -> std::io::Result<ReadThreads> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..count.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("db-read-{i}"))
                .spawn(move || {
                    while let Some(job) = next(&queue) {
                        job()
                    }
                })?;
        }
        Ok(ReadThreads { jobs })
    }

    /// Runs `f` on one of the threads once the reads asked for before it have started; `None`
    /// when it panicked.
    pub async fn run<T, F>(&self, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if let Ok(value) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                // The request may have gone (the client left); its answer is not needed then.
                let _ = answer.send(value);
            }
        });
        self.jobs.send(job).ok()?;
        answered.await.ok()
    }
}

/// The next job, or `None` once every sender is gone. A job's panic is caught inside it, so the
/// lock is never poisoned by one; should it be, the queue is still whole.
fn next(queue: &Mutex<Receiver<Job>>) -> Option<Job> {
    let queue = queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    queue.recv().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_run_in_order_and_a_panic_is_only_that_reads() {
        let threads = ReadThreads::start(1).unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let (a, b) = (order.clone(), order.clone());
        let first = threads.run(move || a.lock().unwrap().push(1));
        let second = threads.run(move || b.lock().unwrap().push(2));
        // Each is queued when first polled; `join!` polls them in this order.
        assert_eq!(tokio::join!(first, second), (Some(()), Some(())));
        assert_eq!(*order.lock().unwrap(), vec![1, 2]);
        let panicked: Option<u32> = threads.run(|| panic!("a broken read")).await;
        assert_eq!(panicked, None);
        // The thread lives on and takes the next read.
        assert_eq!(threads.run(|| 7).await, Some(7));
    }
}
