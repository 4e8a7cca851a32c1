/** Login with the access token; says where the token file is, never what is in it. */
import { html } from "../http/html.ts";
import { csrfField, notice, type Page, type PageContext } from "./layout.ts";

export function loginPage(
  ctx: PageContext,
  token: { file: string; problem: string | undefined },
  next: string,
  failed: boolean,
): Page {
  return {
    title: "Log in",
    body: html`${failed ? notice("error", "That token is not right.") : ""}${
      token.problem === undefined
        ? ""
        : notice("error", `Login is impossible right now: ${token.problem}.`)
    }
<p>${ctx.loginRequired ? "This dashboard is reachable from other machines, so every page needs the access token." : "Wallet actions (send, transact, faucet) need the access token."}</p>
<p>The token is in the file <code id="token-file">${token.file}</code> on the machine that runs the stack
(a generated secret; on Kubernetes, in the dashboard's token Secret).</p>
<form method="post" action="/login" class="stacked" id="login-form">${csrfField(ctx)}
<input type="hidden" name="next" value="${next}">
<label>Token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>`,
  };
}
