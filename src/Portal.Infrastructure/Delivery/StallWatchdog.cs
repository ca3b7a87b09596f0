namespace Portal.Infrastructure.Delivery;

/// <summary>Cancels its token when <see cref="Alive"/> has not been called for a while.</summary>
public sealed class StallWatchdog : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly Timer _timer;
    private readonly TimeSpan _limit;
    private long _lastAlive = Environment.TickCount64;

    public StallWatchdog(TimeSpan limit, CancellationToken outer)
    {
        _limit = limit;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var period = TimeSpan.FromMilliseconds(Math.Clamp(limit.TotalMilliseconds / 4, 100, 5000));
        _timer = new Timer(_ => Check(), null, period, period);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>True once the watchdog cancelled because nothing moved.</summary>
    public bool Stalled { get; private set; }

    public void Alive() => Interlocked.Exchange(ref _lastAlive, Environment.TickCount64);

    private void Check()
    {
        if (Stalled || Environment.TickCount64 - Interlocked.Read(ref _lastAlive) < _limit.TotalMilliseconds) return;
        Stalled = true;
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _cts.Dispose();
    }
}
