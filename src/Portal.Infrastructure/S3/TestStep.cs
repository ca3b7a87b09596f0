namespace Portal.Infrastructure.S3;

/// <summary>One step of a connection test: <c>pass</c>, <c>fail</c>, <c>warning</c> or <c>skipped</c>, with what to do.</summary>
public sealed record TestStep(string Name, string Status, string Message)
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Warning = "warning";
    public const string Skipped = "skipped";
}
