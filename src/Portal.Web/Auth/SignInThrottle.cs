namespace Portal.Web.Auth;

using System.Threading.RateLimiting;

/// <summary>
/// Sign-in attempts per account (the email typed, known or not): ten in five minutes, from anywhere. It is what
/// stops a guesser spread over many addresses; the lockout after ten wrong passwords locks the sign-in page only.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    public const int PerAccount = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions { PermitLimit = PerAccount, Window = Window, QueueLimit = 0 }));

    /// <summary>Whether another attempt for <paramref name="email"/> may go ahead now; when not, how long until it may.</summary>
    public (bool Allowed, TimeSpan RetryAfter) TryAttempt(string email)
    {
        using var lease = _limiter.AttemptAcquire(email.Trim().ToUpperInvariant());
        return lease.IsAcquired ? (true, TimeSpan.Zero) : (false, lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window);
    }

    public void Dispose() => _limiter.Dispose();
}
