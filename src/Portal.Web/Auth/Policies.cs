namespace Portal.Web.Auth;

using Microsoft.AspNetCore.Authorization;
using Portal.Core.Access;

/// <summary>Authorization policies by what a user does, not by role name, so pages say their intent.</summary>
public static class Policies
{
    /// <summary>Staff: works across customers (Admin, CustomerSuccess, Operator).</summary>
    public const string Staff = nameof(Staff);

    /// <summary>Sets up customers and connections (Admin, CustomerSuccess).</summary>
    public const string Configure = nameof(Configure);

    /// <summary>Watches and acts on runs (Admin, Operator).</summary>
    public const string Operate = nameof(Operate);

    /// <summary>Configure or Operate: staff that may write into a customer's bucket to test it (Admin, CustomerSuccess, Operator).</summary>
    public const string ConfigureOrOperate = nameof(ConfigureOrOperate);

    /// <summary>Users, tokens of others, the audit log.</summary>
    public const string Admin = nameof(Admin);

    public static void Add(AuthorizationOptions options)
    {
        // A Customer user never gets staff rights, even if a staff role was added by mistake.
        options.AddPolicy(Staff, p => p.RequireRole(Roles.Staff).RequireAssertion(c => !c.User.IsInRole(Roles.Customer)));
        options.AddPolicy(Configure, p => p.RequireRole(Roles.Admin, Roles.CustomerSuccess).RequireAssertion(c => !c.User.IsInRole(Roles.Customer)));
        options.AddPolicy(Operate, p => p.RequireRole(Roles.Admin, Roles.Operator).RequireAssertion(c => !c.User.IsInRole(Roles.Customer)));
        options.AddPolicy(ConfigureOrOperate, p => p.RequireRole(Roles.Admin, Roles.CustomerSuccess, Roles.Operator).RequireAssertion(c => !c.User.IsInRole(Roles.Customer)));
        options.AddPolicy(Admin, p => p.RequireRole(Roles.Admin).RequireAssertion(c => !c.User.IsInRole(Roles.Customer)));
    }
}
