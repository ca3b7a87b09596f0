namespace Portal.Core.Connections;

/// <summary>How the portal gets credentials for a customer's bucket.</summary>
public enum AuthMethod
{
    AssumeRole,
    AccessKey,
}
