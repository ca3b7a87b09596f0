namespace Portal.Infrastructure.Runs;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Portal.Core.Runs;
using Portal.Infrastructure.Delivery;

/// <summary>
/// Keeps the latest progress of each stream or command and the log lines of a run, and saves them at most
/// once a second while the run lasts. Each save is also the run's heartbeat (a run whose heartbeat stops is
/// failed by <see cref="RunWatchdog"/>) and reads back whether someone asked the run to stop, on any node.
/// A save that fails (the database is locked or gone for a while) is logged and tried again at the next
/// tick with nothing lost: recording progress never fails a delivery.
/// </summary>
public sealed class ProgressSaver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, StreamProgress> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RunEvent> _notes = new();
    private readonly List<RunEvent> _unsaved = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly RunRecorder _recorder;
    private readonly long _runId;
    private readonly Action? _cancelRequested;
    private readonly ILogger? _logger;
    private readonly Task _loop;

    /// <param name="cancelRequested">Called when a heartbeat finds that someone asked the run to stop.</param>
    public ProgressSaver(RunRecorder recorder, long runId, Action? cancelRequested = null, ILogger? logger = null, TimeSpan? interval = null)
    {
        (_recorder, _runId, _cancelRequested, _logger) = (recorder, runId, cancelRequested, logger);
        _loop = LoopAsync(interval ?? TimeSpan.FromSeconds(1));
    }

    public void Report(StreamProgress progress) => _latest[progress.Name] = progress;

    /// <summary>Adds a line to the run's log, stamped now and saved with the next heartbeat.</summary>
    public void Note(RunNote note) =>
        _notes.Enqueue(new RunEvent { RunId = _runId, At = _recorder.Now, Kind = note.Kind, Stream = note.Stream, Message = note.Message });

    private async Task SaveAsync(CancellationToken ct)
    {
        while (_notes.TryDequeue(out var note)) _unsaved.Add(note);
        // Each save gets fresh copies: a failed save leaves nothing half-tracked for the next one.
        var notes = _unsaved.Select(n => new RunEvent { RunId = n.RunId, At = n.At, Kind = n.Kind, Stream = n.Stream, Message = n.Message }).ToList();
        var cancel = await _recorder.SaveProgressAsync(_runId, _latest.Values.ToList(), notes, ct);
        _unsaved.Clear();
        if (cancel) _cancelRequested?.Invoke();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await SaveAsync(_stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger?.LogWarning(e, "Saving the progress of run {Run} failed; it is tried again with the next heartbeat", _runId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>Stops saving and writes what is still waiting, once; the run's final numbers are written by whoever records its end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        // A run shorter than a tick still leaves its log and last progress (row totals among it).
        if (_notes.IsEmpty && _latest.IsEmpty && _unsaved.Count == 0) return;
        try
        {
            await SaveAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger?.LogWarning(e, "The last progress of run {Run} could not be saved; its end is recorded with its totals", _runId);
        }
    }
}
