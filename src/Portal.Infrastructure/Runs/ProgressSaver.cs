namespace Portal.Infrastructure.Runs;

using System.Collections.Concurrent;
using Portal.Core.Runs;
using Portal.Infrastructure.Delivery;

/// <summary>
/// Keeps the latest progress of each stream or command and the log lines of a run, and saves them at most
/// once a second while the run lasts. Each save is also the run's heartbeat: a run whose heartbeat stops
/// (its worker died or hung) is failed by <see cref="RunWatchdog"/>.
/// </summary>
public sealed class ProgressSaver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, StreamProgress> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RunEvent> _notes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly RunRecorder _recorder;
    private readonly long _runId;
    private readonly Task _loop;

    public ProgressSaver(RunRecorder recorder, long runId)
    {
        (_recorder, _runId) = (recorder, runId);
        _loop = LoopAsync();
    }

    public void Report(StreamProgress progress) => _latest[progress.Name] = progress;

    /// <summary>Adds a line to the run's log, stamped now and saved with the next heartbeat.</summary>
    public void Note(RunNote note) =>
        _notes.Enqueue(new RunEvent { RunId = _runId, At = _recorder.Now, Kind = note.Kind, Stream = note.Stream, Message = note.Message });

    private List<RunEvent> DrainNotes()
    {
        var notes = new List<RunEvent>();
        while (_notes.TryDequeue(out var note)) notes.Add(note);
        return notes;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await _recorder.SaveProgressAsync(_runId, _latest.Values.ToList(), DrainNotes(), _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>Stops saving and writes what is still waiting; the run's final numbers are written by whoever records its end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        // A run shorter than a tick still leaves its log and last progress (row totals among it).
        if (!_notes.IsEmpty || !_latest.IsEmpty) await _recorder.SaveProgressAsync(_runId, _latest.Values.ToList(), DrainNotes(), CancellationToken.None);
    }
}
