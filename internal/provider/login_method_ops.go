package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// errNotManageable stops a read-modify-write whose mutation already reported why.
var errNotManageable = errors.New("login method cannot be managed")

// createAttempts bounds how often a create whose outcome was unknown, and which turned out not to have
// happened, is sent again. Each unknown outcome costs a list; five attempts make a create fail only when
// five in a row are lost, which at a 10 % fault rate happens once in 100,000 creates.
const createAttempts = 5

// createRetryDelay is the pause before the second attempt of a create; it doubles for each further one.
// A 5xx often means an overloaded API: sending the POST again at once would add to the load.
var createRetryDelay = 250 * time.Millisecond

// lockKey names the lock of one login method.
func lockKey(scope client.Scope, id string) string { return scope.Path() + "/" + id }

// checkManageable refuses login methods this provider must not touch.
func checkManageable(idp *client.IdentityProvider, diags *diag.Diagnostics) bool {
	if idp.Type != loginMethodTypeSAML {
		diags.AddError("Login Method Is Not SAML",
			fmt.Sprintf("Login method %s (%q) is of type %q. zerotrust_saml_login_method manages only login methods of "+
				"type %q. Manage this one with the official Cloudflare provider (and if it is in this state, remove it "+
				"with terraform state rm).", idp.ID, idp.Name, idp.Type, loginMethodTypeSAML))
		return false
	}
	if idp.ReadOnly {
		diags.AddError("Login Method Is Read-Only",
			fmt.Sprintf("Login method %s (%q) is marked read_only by Cloudflare and cannot be changed or deleted through "+
				"the API, so Terraform cannot manage it (if it is in this state, remove it with terraform state rm).", idp.ID, idp.Name))
		return false
	}
	return true
}

// createLoginMethod creates a login method. When the API's answer is lost (a timeout, a dropped
// connection, a 5xx after the write), it looks for the login method by its name and settings in the
// scope and adopts it, instead of creating a second one.
func (d *providerData) createLoginMethod(ctx context.Context, scope client.Scope, want client.IdentityProvider) (*client.IdentityProvider, error) {
	var lastErr error
	for attempt := 1; attempt <= createAttempts; attempt++ {
		created, err := d.client.CreateIdentityProvider(ctx, scope, want)
		d.wrote(scope)
		if err == nil {
			return created, nil
		}
		if !errors.Is(err, client.ErrOutcomeUnknown) {
			return nil, err
		}
		lastErr = err
		tflog.Warn(ctx, "the create's outcome is unknown; checking whether the login method exists", map[string]any{"attempt": attempt})
		adopted, err := d.findCreated(ctx, scope, want)
		if err != nil {
			return nil, fmt.Errorf("%w; checking whether it was created anyway failed too: %v. Look for a login method "+
				"named %q in the dashboard and import it, or delete it, before applying again", lastErr, err, want.Name)
		}
		if adopted != nil {
			tflog.Info(ctx, "the login method was created although its response was lost; adopting it", map[string]any{"id": adopted.ID})
			return adopted, nil
		}
		if attempt < createAttempts {
			if err := client.SleepContext(ctx, createRetryDelay<<(attempt-1)); err != nil {
				return nil, fmt.Errorf("%w; gave up before trying again: %w", lastErr, err)
			}
		}
	}
	return nil, fmt.Errorf("%w (after %d attempts, none of which created the login method)", lastErr, createAttempts)
}

// findCreated returns the login method in scope whose name and settings are those just sent, or nil.
// Matching on every owned field, not only the name, keeps it from adopting an unrelated login method.
func (d *providerData) findCreated(ctx context.Context, scope client.Scope, want client.IdentityProvider) (*client.IdentityProvider, error) {
	all, err := d.client.ListAllIdentityProviders(ctx, scope, client.ListOptions{PerPage: listPerPage})
	if err != nil {
		return nil, err
	}
	var matches []client.IdentityProvider
	for _, idp := range all {
		if idp.Type == want.Type && idp.Name == want.Name && sameOwnedConfig(idp.Config, want.Config) {
			matches = append(matches, idp)
		}
	}
	switch len(matches) {
	case 0:
		return nil, nil
	case 1:
		return &matches[0], nil
	default:
		ids := make([]string, len(matches))
		for i, m := range matches {
			ids[i] = m.ID
		}
		return nil, fmt.Errorf("%d login methods named %q with these settings exist (%s); import the right one "+
			"and delete the others", len(matches), want.Name, strings.Join(ids, ", "))
	}
}

// modifyLoginMethod is the read-modify-write cycle every change of a login method goes through: under the
// login method's lock it reads the live object, lets mutate change the fields its caller owns, and sends a
// full PUT only when something changed. Fields owned by others (scim_config for the login method, the
// SAML settings for the SCIM config, keys this provider does not know) are sent back as read.
func (d *providerData) modifyLoginMethod(ctx context.Context, scope client.Scope, id string, mutate func(*client.IdentityProvider) error) (*client.IdentityProvider, error) {
	unlock := d.locks.Lock(lockKey(scope, id))
	defer unlock()

	current, err := d.client.GetIdentityProvider(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	desired, err := cloneIdentityProvider(current)
	if err != nil {
		return nil, err
	}
	if err := mutate(desired); err != nil {
		return nil, err
	}
	if desired.SCIMConfig != nil {
		desired.SCIMConfig.Secret = "" // read-only; a redacted value must never look like a new secret
	}
	if sameForWrite(current, desired) {
		tflog.Debug(ctx, "login method already as planned; no request sent", map[string]any{"id": id})
		return current, nil
	}
	updated, err := d.client.UpdateIdentityProvider(ctx, scope, id, *desired)
	d.wrote(scope)
	if err == nil {
		return updated, nil
	}
	if client.IsValidation(err) || client.IsAuth(err) || client.IsNotFound(err) || client.IsConflict(err) {
		return nil, err
	}
	// The update's outcome is unknown: look before trying again.
	live, getErr := d.client.GetIdentityProvider(ctx, scope, id)
	if getErr == nil && sameForWrite(live, desired) {
		tflog.Info(ctx, "the update was applied although its response was lost", map[string]any{"id": id})
		return live, nil
	}
	return nil, err
}

// cloneIdentityProvider deep-copies through JSON, which also keeps the keys this provider does not know.
func cloneIdentityProvider(idp *client.IdentityProvider) (*client.IdentityProvider, error) {
	b, err := json.Marshal(idp)
	if err != nil {
		return nil, fmt.Errorf("copying login method %s: %w", idp.ID, err)
	}
	var out client.IdentityProvider
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copying login method %s: %w", idp.ID, err)
	}
	return &out, nil
}

// sameForWrite reports whether a PUT of b would change nothing that a PUT of a would not: it ignores
// server-owned fields.
func sameForWrite(a, b *client.IdentityProvider) bool {
	strip := func(idp *client.IdentityProvider) string {
		c, err := cloneIdentityProvider(idp)
		if err != nil {
			return ""
		}
		c.Config.RedirectURL = ""
		if c.SCIMConfig != nil {
			c.SCIMConfig.Secret, c.SCIMConfig.SCIMBaseURL = "", ""
		}
		out, err := json.Marshal(c)
		if err != nil {
			return ""
		}
		return string(out)
	}
	sa, sb := strip(a), strip(b)
	return sa != "" && sa == sb
}

// refreshSCIMSecret regenerates the SCIM secret of a login method under the login method's lock, so it
// never runs between the read and the write of a read-modify-write of the same login method.
func (d *providerData) refreshSCIMSecret(ctx context.Context, scope client.Scope, id string) (*client.IdentityProvider, error) {
	unlock := d.locks.Lock(lockKey(scope, id))
	defer unlock()
	refreshed, err := d.client.RefreshSCIMSecret(ctx, scope, id)
	d.wrote(scope)
	return refreshed, err
}
