-- Argo CD health check of inference.regionrouter.dev/InferenceRegion.
-- Install it under argocd-cm's key
--   resource.customizations.health.inference.regionrouter.dev_InferenceRegion
-- (deploy/argocd/argocd-cm.yaml holds it ready to merge).
--
-- It reads the operator's kstatus conditions:
--   Progressing  no status yet; status.observedGeneration behind metadata.generation;
--                Reconciling=True (a routing-table write is due); Ready not True yet
--   Degraded     Stalled=True or Accepted=False (the spec is invalid: fix it);
--                Ready=False with nothing in progress (e.g. the routing table is too large)
--   Healthy      Ready=True: the region is accepted and in effect in its routing table,
--                drained regions included
-- The endpoint's own health (the Healthy condition) is reported in the message only: a
-- provider outage is not a failed rollout, and the router fails over around it.
local hs = { status = "Progressing", message = "Waiting for the operator to report status" }

if obj.status == nil or obj.status.conditions == nil then
  return hs
end

local generation = obj.metadata and obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local conditions = {}
for _, condition in ipairs(obj.status.conditions) do
  if condition.type ~= nil then
    conditions[condition.type] = condition
  end
end

local function describe(condition)
  local text = condition.reason or ""
  if condition.message ~= nil and condition.message ~= "" then
    text = text .. ": " .. condition.message
  end
  return text
end

local function is(type, status)
  return conditions[type] ~= nil and conditions[type].status == status
end

if is("Stalled", "True") then
  hs.status = "Degraded"
  hs.message = describe(conditions["Stalled"])
  return hs
end
if is("Accepted", "False") then
  hs.status = "Degraded"
  hs.message = describe(conditions["Accepted"])
  return hs
end
if is("Reconciling", "True") then
  hs.message = describe(conditions["Reconciling"])
  return hs
end

local ready = conditions["Ready"]
if ready == nil or ready.status == "Unknown" then
  hs.message = "Waiting for the Ready condition"
  return hs
end
if ready.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Healthy"
hs.message = describe(ready)
local healthy = conditions["Healthy"]
if healthy ~= nil and healthy.status ~= "True" then
  hs.message = hs.message .. "; endpoint " .. describe(healthy)
end
return hs
