namespace Portal.Core.KeyTemplates;

/// <summary>Every macro a key template may use.</summary>
public enum MacroKind
{
    Extension,
    DateTime,
    Timestamp,
    IsoDateTime,
    Date,
    IsoDate,
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    StreamId,
    StreamName,
    ConnectionId,
    ConnectionRunId,
    StreamRunId,
    CursorYear,
    CursorMonth,
    CursorDay,
    CursorDateTime,
    CursorIsoDateTime,
    CursorSingularDateTime,
    Part,
    DumpTime,
}
