namespace Portal.Core.Connections;

/// <summary>What a stream export does when a run finds a column removed or changed in kind (an added column always carries on).</summary>
public enum SchemaChangePolicy
{
    /// <summary>Deliver with the new schema, write its schema file, and say so (run event, manifest, <c>schema.changed</c>).</summary>
    CarryOn,

    /// <summary>Fail the run before any file is written, naming the changes; the marks stay, so nothing is skipped once it is fixed.</summary>
    Fail,
}
