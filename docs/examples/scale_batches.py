from concurrent.futures import ProcessPoolExecutor

from nemovideo import NemoVideo
from nemovideo.workflows import JobResult, LeaderboardJob, run_leaderboards


def report(result: JobResult) -> None:
    # Called in this process as each job ends, in the order they end.
    outcome = "done" if result.ok else f"failed: {result.error!r}"
    print(f"{result.job.name}: {outcome} ({result.seconds:.1f} s on {result.worker})")


if __name__ == "__main__":  # worker processes may import this file again
    jobs = [
        LeaderboardJob(["clip1.mp4", "clip2.mp4"], top=2, output="spring.mp4", name="spring"),
        LeaderboardJob(["clip1.mp4", "clip3.mp4"], top=2, output="summer.mp4", name="summer"),
        LeaderboardJob(["clip3.mp4", "missing.mp4"], output="autumn.mp4", name="autumn"),
    ]
    with NemoVideo() as client:
        print("credits before:", client.credits().available)
        # The settings travel to the workers without the token: each worker uses its
        # own NEMO_TOKEN, or the token this machine saved.
        settings = client.worker_settings()

    with ProcessPoolExecutor(max_workers=2) as pool:
        results = run_leaderboards(pool, jobs, settings=settings, on_result=report)

    for result in results:  # in job order; the missing clip failed its job alone
        if result.ok:
            board = result.unwrap()
            print(result.job.name, board.winners[0].clip, board.video_path, board.render_id)
        else:
            print(result.job.name, type(result.error).__name__)
