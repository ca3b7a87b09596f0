namespace Portal.Core.Runs;

using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>
/// What a schedule, a manual run, a rerun, a retry or a recovery hands to the job that executes a run:
/// the queued run it names (manual runs and reruns are recorded before they are queued), why it runs,
/// which attempt it is and which attempt it follows, and for an artifact sync the schedule to sync.
/// Stored as one JSON value in the trigger's data, so every way of starting a run reads it the same way.
/// </summary>
public sealed record RunTicket(RunTrigger Trigger, long? RunId = null, int Attempt = 1, long? PreviousAttemptId = null, string? Schedule = null)
{
    /// <summary>The key of the ticket in a Quartz trigger's data map.</summary>
    public const string Key = "ticket";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The ticket in <paramref name="json"/>; a scheduled run when there is none (a trigger written before tickets existed).</summary>
    public static RunTicket Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new RunTicket(RunTrigger.Schedule);
        try
        {
            return JsonSerializer.Deserialize<RunTicket>(json, Json) ?? new RunTicket(RunTrigger.Schedule);
        }
        catch (JsonException)
        {
            return new RunTicket(RunTrigger.Schedule);
        }
    }

    /// <summary>The next attempt after <paramref name="failed"/> (an automatic retry or a recovery): same trigger and schedule, a new run.</summary>
    public static RunTicket NextAttempt(Run failed, string? schedule) =>
        new(failed.Trigger, null, failed.Attempt + 1, failed.Id, schedule);
}
