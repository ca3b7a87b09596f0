namespace Portal.Infrastructure.Runs;

using System.Collections.Concurrent;

/// <summary>
/// The runs this process is executing, by run id, each with the token that stops it. A cancel asked for in
/// this process stops the named run at once; one asked for on another node reaches it through the run's
/// <c>CancelRequestedAt</c>, which the run reads back with every heartbeat.
/// </summary>
public sealed class RunningRuns
{
    private readonly ConcurrentDictionary<long, RunScope> _runs = new();

    /// <summary>Registers a run for as long as the returned scope lives; its token is cancelled by <see cref="Cancel"/> or by <paramref name="outer"/>.</summary>
    public RunScope Enter(long runId, CancellationToken outer)
    {
        var scope = new RunScope(this, runId, CancellationTokenSource.CreateLinkedTokenSource(outer));
        _runs[runId] = scope;
        return scope;
    }

    /// <summary>Stops the named run if it runs in this process (an operator's cancel); false when it does not run here.</summary>
    public bool Cancel(long runId)
    {
        if (!_runs.TryGetValue(runId, out var scope)) return false;
        scope.RequestCancel();
        return true;
    }

    /// <summary>Stops the named run if it runs in this process, without calling it an operator's cancel (a run the watchdog gave up on).</summary>
    public bool Abandon(long runId)
    {
        if (!_runs.TryGetValue(runId, out var scope)) return false;
        scope.Stop();
        return true;
    }

    public bool IsRunningHere(long runId) => _runs.ContainsKey(runId);

    /// <summary>How many runs execute in this process now.</summary>
    public int Count => _runs.Count;

    /// <summary>
    /// This process is stopping and its runs did not finish within the grace: each is stopped and handed back
    /// (recorded interrupted, its next attempt queued for any node). Returns how many were.
    /// </summary>
    public int HandBackAll()
    {
        var scopes = _runs.Values.ToList();
        foreach (var scope in scopes) scope.HandBack();
        return scopes.Count;
    }

    /// <summary>A run registered in this process: its token, and whether someone asked it to stop.</summary>
    public sealed class RunScope : IDisposable
    {
        private readonly RunningRuns _owner;
        private readonly long _runId;
        private readonly CancellationTokenSource _source;
        private int _cancelRequested;
        private int _handedBack;

        internal RunScope(RunningRuns owner, long runId, CancellationTokenSource source) => (_owner, _runId, _source) = (owner, runId, source);

        public CancellationToken Token => _source.Token;

        /// <summary>True once someone asked this run to stop (here or through the database), as opposed to a process shutting down.</summary>
        public bool CancelRequested => Volatile.Read(ref _cancelRequested) == 1;

        /// <summary>True once this process, stopping, handed the run back to the cluster.</summary>
        public bool HandedBack => Volatile.Read(ref _handedBack) == 1;

        internal void HandBack()
        {
            Interlocked.Exchange(ref _handedBack, 1);
            Stop();
        }

        /// <summary>Stops the run because someone asked for it.</summary>
        public void RequestCancel()
        {
            Interlocked.Exchange(ref _cancelRequested, 1);
            Stop();
        }

        internal void Stop()
        {
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended meanwhile.
            }
        }

        public void Dispose()
        {
            _owner._runs.TryRemove(new KeyValuePair<long, RunScope>(_runId, this));
            _source.Dispose();
        }
    }
}
