import { createContext, useContext } from "react";

/** The request's CSP nonce, for the few scripts Remix inlines. Empty in the browser, which hides it. */
const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
