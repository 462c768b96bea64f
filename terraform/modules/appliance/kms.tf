# The two sealing keys. KMS releases their data keys (GenerateDataKey, Decrypt) only to an enclave
# whose attestation document carries one of the allowed PCR0 values (and PCR8 when configured),
# and only as CiphertextForRecipient: encrypted to the enclave's own per-boot RSA key. The
# instance role's credentials alone open nothing.
#
# The EIF is public and runs on any Nitro host, so PCR0 alone does not stop someone who has stolen
# the role's credentials (they are handed to the enclave through the parent) from starting the
# image elsewhere and presenting its genuine attestation. The enclave statement therefore also
# requires, where configured:
# - aws:SourceVpce: the request came through this deployment's KMS interface endpoint (network.tf;
#   present only on requests through a VPC endpoint, which is why the module creates one: the
#   enclave's vsock-proxy otherwise reaches the public KMS endpoint, where no VPC key is set);
# - aws:ec2InstanceSourceVPC: the credentials were delivered (IMDS) to an instance in this VPC;
# - kms:RecipientAttestation:PCR3 (parent's IAM role) and PCR4 (parent's instance id): measured
#   by the Nitro hypervisor into the attestation, so another host or role cannot forge them.

locals {
  pcr8_conditions = length(var.enclave_pcr8_values) > 0 ? [{
    test     = "StringEqualsIgnoreCase"
    variable = "kms:RecipientAttestation:PCR8"
    values   = var.enclave_pcr8_values
  }] : []

  # Everything else the enclave statement requires besides PCR0 (see the header).
  enclave_extra_conditions = concat(
    local.pcr8_conditions,
    [{
      test     = "StringEquals"
      variable = "aws:ec2InstanceSourceVPC"
      values   = [local.vpc_id]
    }],
    local.kms_vpc_endpoint_id == null ? [] : [{
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = [local.kms_vpc_endpoint_id]
    }],
    length(var.enclave_pcr3_values) == 0 ? [] : [{
      test     = "StringEqualsIgnoreCase"
      variable = "kms:RecipientAttestation:PCR3"
      values   = var.enclave_pcr3_values
    }],
    length(var.enclave_pcr4_values) == 0 ? [] : [{
      test     = "StringEqualsIgnoreCase"
      variable = "kms:RecipientAttestation:PCR4"
      values   = var.enclave_pcr4_values
    }],
  )
}

data "aws_iam_policy_document" "sealing_key" {
  statement {
    sid    = "KeyAdministrationWithoutUse"
    effect = "Allow"

    principals {
      type        = "AWS"
      identifiers = var.key_admin_arns
    }

    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:DisableKeyRotation",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = ["*"]
  }

  # Absent until the first EIF's PCR0 is known (first apply): then nobody can use the keys.
  dynamic "statement" {
    for_each = length(var.enclave_pcr0_values) > 0 ? ["enclave"] : []
    content {
      sid    = "EnclaveDataKeysOnlyWithAttestation"
      effect = "Allow"

      principals {
        type        = "AWS"
        identifiers = [aws_iam_role.instance.arn]
      }

      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      condition {
        test     = "StringEqualsIgnoreCase"
        variable = "kms:RecipientAttestation:ImageSha384"
        values   = var.enclave_pcr0_values
      }

      dynamic "condition" {
        for_each = local.enclave_extra_conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # Belt and braces: whatever another statement (or a later edit) allows, nobody gets key
  # material out of these keys without an attestation document.
  statement {
    sid    = "DenyKeyMaterialWithoutAttestation"
    effect = "Deny"

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:Encrypt"]
    resources = ["*"]

    condition {
      test     = "Null"
      variable = "kms:RecipientAttestation:ImageSha384"
      values   = ["true"]
    }
  }

  # Whatever any statement allows: no key material leaves these keys except through this
  # deployment's KMS endpoint (a request over the public endpoint carries no aws:SourceVpce, and
  # StringNotEquals on an absent key matches, so it is denied).
  dynamic "statement" {
    for_each = local.kms_vpc_endpoint_id == null ? [] : ["vpce"]
    content {
      sid    = "DenyKeyMaterialOutsideTheVpcEndpoint"
      effect = "Deny"

      principals {
        type        = "AWS"
        identifiers = ["*"]
      }

      actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
      resources = ["*"]

      condition {
        test     = "StringNotEquals"
        variable = "aws:SourceVpce"
        values   = [local.kms_vpc_endpoint_id]
      }
    }
  }
}

resource "aws_kms_key" "auth_shares" {
  description             = "${var.name}: wraps the data keys that seal wallet auth shares (enclave only)"
  key_usage               = "ENCRYPT_DECRYPT"
  deletion_window_in_days = var.kms_deletion_window_days
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.sealing_key.json

  tags = merge(local.tags, { Name = "${var.name}-auth-shares" })
}

resource "aws_kms_key" "exec_shares" {
  description             = "${var.name}: wraps the data keys that seal wallet exec shares (enclave only)"
  key_usage               = "ENCRYPT_DECRYPT"
  deletion_window_in_days = var.kms_deletion_window_days
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.sealing_key.json

  tags = merge(local.tags, { Name = "${var.name}-exec-shares" })
}

resource "aws_kms_alias" "auth_shares" {
  name          = "alias/${var.name}-auth-shares"
  target_key_id = aws_kms_key.auth_shares.key_id
}

resource "aws_kms_alias" "exec_shares" {
  name          = "alias/${var.name}-exec-shares"
  target_key_id = aws_kms_key.exec_shares.key_id
}
